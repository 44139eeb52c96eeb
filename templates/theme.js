(function(){var q=/[?&]theme=(light|dark)/.exec(location.search),t=q?q[1]:null;try{t=t||localStorage.getItem("vigil-theme")}catch(e){}if(t)document.documentElement.setAttribute("data-theme",t)})();
